"""Single-value parsers (publisher.values) and the personal-data finder (publisher.ingest.personal)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import issn as stdnum_issn
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from publisher.ingest.personal import find_personal, id_check_character
from publisher.values import (
    BadValue,
    clean_number,
    clean_text,
    cn_medium_type,
    label_key,
    narrow,
    parse_cn_number,
    parse_credit_code,
    parse_date,
    parse_issn,
    parse_money,
)

# -- dates -----------------------------------------------------------------------------------

MARCH_5 = date(2017, 3, 5)


@pytest.mark.parametrize(
    "raw",
    [
        "2017-03-05",
        "2017-3-5",
        "2017/3/5",
        "2017/03/05",
        "2017.3.5",
        "2017年3月5日",
        "2017年03月05日",
        "2017 年 3 月 5 日",
        "20170305",
        "42799",  # Excel serial
        "42799.0",  # Excel serial read as a float
        "２０１７年３月５日",  # full-width digits
        "２０１７－０３－０５",  # full-width digits and hyphens
        "2017-03-05 00:00:00",
        "2017-03-05 14:30",
        "2017-03-05T14:30:15",
        "2017/3/5 9:05:00",
        "2017年3月5日 10:30",
        " 2017-03-05\u200b ",  # spaces and a zero-width space around it
    ],
)
def test_date_forms(raw: str) -> None:
    assert parse_date(raw) == MARCH_5


@pytest.mark.parametrize(
    "raw",
    [
        "2017年2月30日",
        "2017-02-30",
        "20170230",
        "2017-13-01",
        "2017-00-10",
        "2019年2月29日",  # not a leap year
    ],
)
def test_impossible_days_rejected(raw: str) -> None:
    with pytest.raises(BadValue) as exc:
        parse_date(raw)
    assert exc.value.reason == "invalid_date"
    assert "no such day" in str(exc.value)


def test_leap_day_accepted() -> None:
    assert parse_date("2020年2月29日") == date(2020, 2, 29)


@pytest.mark.parametrize(
    "raw", ["", "昨天", "2017年3月", "17-3-5", "12345", "99999", "2017-03-05x"]
)
def test_not_dates_rejected(raw: str) -> None:
    with pytest.raises(BadValue) as exc:
        parse_date(raw)
    assert exc.value.reason == "invalid_date"


def test_declared_date_formats() -> None:
    with pytest.raises(BadValue):
        parse_date("05/03/2017")
    assert parse_date("05/03/2017", ("%d/%m/%Y",)) == MARCH_5
    assert parse_date("5-3-2017", ("%d/%m/%Y", "%d-%m-%Y")) == MARCH_5


# -- credit codes ----------------------------------------------------------------------------


def with_check(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)


@pytest.mark.parametrize(
    "body", ["91340100MA2000001", "12340000MB0000001", "91110000600037341", "52340000MJ0000001"]
)
def test_valid_credit_codes(body: str) -> None:
    code = with_check(body)
    uscc.validate(code)  # python-stdnum agrees
    assert parse_credit_code(code) == code


@pytest.mark.parametrize(
    "body",
    [
        "N2340100MA2000001",  # registered by an agricultural department
        "Y1340100MA2000001",  # registered by a trade union
        "A1340100MA2000001",
        "N1340100MA20000A1",
    ],
)
def test_department_codes_stdnum_rejects_are_accepted(body: str) -> None:
    code = with_check(body)
    with pytest.raises(ValidationError):
        uscc.validate(code)  # stdnum insists the first 8 characters are digits
    assert parse_credit_code(code) == code


def test_credit_code_normalised() -> None:
    code = with_check("91340100MA2000001")
    full_width = code.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert full_width != code
    assert parse_credit_code(full_width) == code
    assert parse_credit_code(code.lower()) == code
    assert parse_credit_code(f" {code[:6]} {code[6:]}\u200b") == code
    assert parse_credit_code(f"{code[:9]}-{code[9:]}") == code


def wrong_check(code: str) -> str:
    """The same code with a different but well-formed check character."""
    other = "0" if code[-1] != "0" else "1"
    return code[:-1] + other


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (wrong_check(with_check("91340100MA2000001")), "wrong check character"),
        (wrong_check(with_check("N2340100MA2000001")), "wrong check character"),
        (with_check("91340100MA2000001")[:-1], "17 characters"),
        (with_check("91340100MA2000001") + "0", "19 characters"),
        ("", "0 characters"),
        ("91340100MA2000001I", "alphabet"),  # I, O, S, V, Z are not in GB 32100's alphabet
        ("9134010OMA20000010", "alphabet"),
    ],
)
def test_bad_credit_codes(raw: str, detail: str) -> None:
    with pytest.raises(BadValue) as exc:
        parse_credit_code(raw)
    assert exc.value.reason == "bad_credit_code"
    assert detail in exc.value.detail


# -- CN numbers and ISSN ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cn"),
    [
        ("CN 11-0001/X", "11-0001"),
        ("CN11-0001", "11-0001"),
        ("11-0001", "11-0001"),
        ("110001", "11-0001"),
        ("cn 34-1234/g2", "34-1234"),
        ("CN 11-1234/TP", "11-1234"),
        ("ＣＮ３４－００３５／Ｇ", "34-0035"),
        ("CN 34-5999/R", "34-5999"),
    ],
)
def test_cn_numbers(raw: str, cn: str) -> None:
    assert parse_cn_number(raw) == cn


@pytest.mark.parametrize("raw", ["CN 11-0000", "CN 11-6000", "11-9999", "1-0001", "11-01", "ISSN"])
def test_bad_cn_numbers(raw: str) -> None:
    with pytest.raises(BadValue) as exc:
        parse_cn_number(raw)
    assert exc.value.reason == "bad_cn_number"


@pytest.mark.parametrize(
    ("cn", "kind"),
    [
        ("11-0001", "newspaper"),
        ("34-0999", "newspaper"),
        ("34-1000", "periodical"),
        ("11-5999", "periodical"),
    ],
)
def test_cn_serial_ranges(cn: str, kind: str) -> None:
    assert cn_medium_type(cn) == kind


@pytest.mark.parametrize(
    ("raw", "issn"),
    [("0378-5955", "0378-5955"), ("ISSN 0378-5955", "0378-5955"), ("1050124x", "1050-124X")],
)
def test_issn(raw: str, issn: str) -> None:
    assert parse_issn(raw) == issn


@given(
    st.text(alphabet="0123456789Xx- ISN５", max_size=12)
    | st.builds(lambda n: f"{n:07d}", st.integers(0, 9_999_999)).map(
        lambda s: s + stdnum_issn.calc_check_digit(s)
    )
)
def test_issn_agrees_with_stdnum(raw: str) -> None:
    """Our ISSN check is python-stdnum's (without its per-call overhead)."""
    try:
        ours: str | None = parse_issn(raw)
    except BadValue:
        ours = None
    try:
        text = narrow(raw).upper().replace("ISSN", "").strip()
        theirs: str | None = stdnum_issn.format(stdnum_issn.validate(text))
    except ValidationError:
        theirs = None
    assert ours == theirs


@pytest.mark.parametrize("raw", ["0378-5954", "1234", "ISSN abcd-efgh"])
def test_bad_issn(raw: str) -> None:
    with pytest.raises(BadValue) as exc:
        parse_issn(raw)
    assert exc.value.reason == "bad_issn"


# -- money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("12000", "12000.00"),
        ("12,000.00元", "12000.00"),
        ("1.2万元", "12000.00"),
        ("1.2万", "12000.00"),
        ("¥12000", "12000.00"),
        ("￥12,000", "12000.00"),
        ("人民币5000元", "5000.00"),
        ("１２０００元", "12000.00"),
        ("0.5", "0.50"),
        ("30万元", "300000.00"),
    ],
)
def test_money(raw: str, amount: str) -> None:
    assert parse_money(raw) == Decimal(amount)


@pytest.mark.parametrize("raw", ["一万元", "12000美元", "-500", "1.2.3", "元", "about 5000"])
def test_bad_money(raw: str) -> None:
    with pytest.raises(BadValue) as exc:
        parse_money(raw)
    assert exc.value.reason == "bad_amount"


# -- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("安徽\u200b日报", "安徽日报"),
        ("\ufeff安徽日报\u200d", "安徽日报"),
        ("安徽\u3000日报", "安徽 日报"),
        ("  安徽   日报\t\r\n", "安徽 日报"),
        ("安徽\u00a0日报", "安徽 日报"),
        ("（合肥）", "（合肥）"),
        ("中文不变", "中文不变"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_label_key_and_number() -> None:
    assert label_key(" ＴＶ ") == label_key("tv") == label_key("T V") == "tv"
    assert clean_number("合广登字[2017]1号") == "合广登字〔2017〕1号"
    assert clean_number("合广登字（２０１７）１号") == "合广登字〔2017〕1号"
    assert clean_number("合广登字【2017】 1号") == "合广登字〔2017〕1号"


# -- personal data ---------------------------------------------------------------------------


def mod11_2(first17: str) -> str:
    """ISO 7064 MOD 11-2, written independently of publisher.personal."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    check = (12 - sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11) % 11
    return "X" if check == 10 else str(check)


@pytest.mark.parametrize(
    "first17", ["11010519491231002", "34010419900101123", "44030419851203581", "52010219700101001"]
)
def test_id_check_character(first17: str) -> None:
    assert id_check_character(first17) == mod11_2(first17)


def test_valid_id_number_found() -> None:
    assert find_personal("11010519491231002X") == "id_card_number"  # GB 11643's own example
    assert find_personal("11010519491231002x") == "id_card_number"
    number = "34010419900101123" + mod11_2("34010419900101123")
    assert find_personal(f"合肥市蜀山区某小区3栋，身份证{number}") == "id_card_number"
    assert find_personal(f"{number}号") == "id_card_number"


def test_wrong_check_character_is_not_an_id() -> None:
    first17 = "34010419900101123"
    good = mod11_2(first17)
    for c in "0123456789X":
        if c != good:
            assert find_personal(f"编号{first17}{c}") is None, c
    # an 18-digit number inside a longer token is not an ID either
    assert find_personal(f"A{first17}{good}") is None


@pytest.mark.parametrize(
    "text",
    [
        "13912345678",
        "联系电话：13912345678",
        "139-1234-5678",
        "139 1234 5678",
        "+86 139 1234 5678",
        "+8613912345678",
        "86-13912345678",
        "0551-62345678",
        "0551 62345678",
        "(0551)62345678",
        "010-62345678",
        "电话0551-6234567转",
    ],
)
def test_phone_numbers_found(text: str) -> None:
    assert find_personal(text) == "phone_number"


@pytest.mark.parametrize(
    "text",
    [
        "合广登字〔2017〕001号",
        "2017-03-05",
        "20170305",
        "罚款120000元",
        "CN 34-0001/D",
        "91340100MA20000010",
        "长江西路1234号",
        "12345678901234567890",  # too long for a phone, not an ID
        "139123456789",  # 12 digits: not a mobile number
        "",
    ],
)
def test_no_personal_data(text: str) -> None:
    assert find_personal(text) is None


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17))
def test_our_check_character_is_python_stdnums(first17: str) -> None:
    from stdnum.cn import uscc

    from publisher.values import uscc_check_character

    assert uscc_check_character(first17) == uscc.calc_check_digit(first17)
