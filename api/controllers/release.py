"""``GET /api/v1/release``: the release served, its files and downloads; ``/healthz``."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import Parameter
from litestar.response import File

from publisher.read.changes import last_changed
from publisher.read.notices import release_files
from publisher.read.reader import Reader

from ..common import API, ReleaseReader, errors, responses
from ..errors import not_found
from ..schemas import Download, Health, ReleaseAnswer

ZIP_SUFFIX = "-datapackage.zip"
MEDIA_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".db": "application/vnd.sqlite3",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
    ".gz": "application/gzip",
    ".txt": "text/plain; charset=utf-8",
}


class ReleaseController(Controller):
    path = f"{API}/release"
    tags = ["Release"]

    @get(
        "/",
        operation_id="GetRelease",
        summary="The release served: version, dates, every file with bytes and sha256",
        description="With a download link for each file and one zip of the whole data package.",
        sync_to_thread=False,
        responses=responses(),
    )
    def get_release(self, request: Request[Any, Any, Any], reader: ReleaseReader) -> ReleaseAnswer:
        files = release_files(reader)
        base = f"{str(request.base_url).rstrip('/')}{API}/release/files/"
        downloads = [
            Download(path=f.path, bytes=f.bytes, sha256=f.sha256, url=base + f.path)
            for f in files.files
        ]
        zips = [d for d in downloads if d.path.endswith(ZIP_SUFFIX)]
        return ReleaseAnswer(
            release=files.release,
            as_of=files.release.as_of.isoformat(),
            created=files.release.created,
            previous=files.previous,
            last_changed=last_changed(reader),
            package_zip=zips[0] if zips else None,
            files=downloads,
            counts=files.counts,
        )

    @get(
        "/files/{file_path:path}",
        operation_id="DownloadReleaseFile",
        summary="A file of the release (as listed by GetRelease)",
        media_type="application/octet-stream",
        sync_to_thread=False,
        responses=responses(404),
    )
    def download(
        self,
        reader: ReleaseReader,
        file_path: Annotated[str, Parameter(description="The file's path in the release.")],
    ) -> File:
        path = file_path.lstrip("/")
        listed = {f.path for f in reader.manifest.files}
        if path not in listed:
            raise not_found("file", path, reader.ref.version, "GetRelease lists the files")
        suffix = "." + path.rsplit(".", 1)[-1] if "." in path else ""
        return File(
            path=reader.folder / path,
            filename=path.rsplit("/", 1)[-1],
            media_type=MEDIA_TYPES.get(suffix, "application/octet-stream"),
        )


def _health(reader: Reader) -> Health:
    return Health(status="ok", version=reader.ref.version, as_of=reader.ref.as_of.isoformat())


@get(
    "/healthz",
    operation_id="GetHealth",
    summary="Is a release being served?",
    tags=["Release"],
    sync_to_thread=False,
    responses=errors(),
)
def health(reader: ReleaseReader) -> Health:
    return _health(reader)


@get("/api/healthz", sync_to_thread=False, include_in_schema=False)
def health_under_api(reader: ReleaseReader) -> Health:
    """The same, where only /api/ reaches the API (mounted under /api)."""
    return _health(reader)
