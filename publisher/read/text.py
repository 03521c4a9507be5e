"""An answer as text, in Chinese, for the command line (``adreg verify``)."""

from __future__ import annotations

from .answers import VerifyAnswer


def answer_text(v: VerifyAnswer) -> str:
    lines = [f"{v.query} 于 {v.on.isoformat()}：{v.verdict_zh} ({v.verdict})"]
    if v.last_status:
        lines.append(f"  登记制度终止时状态: {v.last_status}")
    if v.verdict == "no_match" and v.coverage:
        c = v.coverage
        lines.append("  本版本覆盖的登记机关: " + "；".join(c.authorities))
        span = f"{c.first_decision or '—'} 至 {c.last_decision or '—'}"
        lines.append(f"  决定日期范围: {span}（截至 {c.as_of.isoformat()}）")
    if v.verdict == "ambiguous" or (v.candidates and v.registration is None):
        for cand in v.candidates:
            lines.append(
                f"  - {'、'.join(cand.media_names) or '—'}  {cand.publisher_name}"
                f"  {cand.authority_name}  [{cand.registration_id}] {cand.status_zh}"
                f" (匹配: {cand.match.field})"
            )
    if v.match and v.registration:
        m, reg = v.match, v.registration
        why = f"  匹配: {m.field} = {m.value}"
        if m.name_from or m.name_to:
            why += f"（{m.name_from or '—'} 至 {m.name_to or '—'} 使用该名称）"
        lines.append(why)
        if v.registrant:
            who = v.registrant
            lines.append(f"  广告发布单位: {who.name} ({who.credit_code or '—'})")
            if who.sponsor_name:
                lines.append(f"  主办单位: {who.sponsor_name} ({who.sponsor_credit_code or '—'})")
        if v.authority:
            lines.append(
                f"  登记机关: {v.authority.name}  登记证号: {reg.registration_number or '—'}"
            )
        if v.licence:
            lines.append(
                f"  许可有效期: {v.licence.valid_from or '—'} 至 {v.licence.valid_to or '—'}"
            )
        if v.period:
            p = v.period
            lines.append(f"  状态期间: {p.status_zh} {p.valid_from} 至 {p.valid_to}")
        if v.basis:
            lines.append(f"  依据: {v.basis.text}")
        lines.append("  发布媒介: " + "、".join(x.name for x in v.media))
        for d in v.decisions:
            lines.append(
                f"  决定: {d.decision_date} {d.kind_zh} {d.decision_number or ''}".rstrip()
            )
        for pe in v.penalties:
            lines.append(
                f"  处罚(公示中): {pe.decision_date} {'、'.join(pe.kinds_zh)} {pe.decision_number}"
            )
    for w in v.warnings:
        lines.append(f"  ! {w.message}")
    for n in v.notes:
        lines.append(f"  注: {n}")
    rel = v.release
    lines.append(
        f"  数据版本 {rel.version} (as of {rel.as_of.isoformat()}), {rel.database}"
        f" sha256 {rel.sha256}"
    )
    return "\n".join(lines)
