"""Single-value parsers (publisher.values) and the personal-data finder (publisher.ingest.personal)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import issn as stdnum_issn
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from publisher.ingest.personal import find_personal, id_check_character
from publisher.samples.wenzhou import in_words
from publisher.values import (
    BadValue,
    clean_number,
    clean_text,
    cn_medium_type,
    label_key,
    narrow,
    number_key,
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
        ("1.5万元", "15000.00"),
        ("人民币30000元", "30000.00"),
        ("￥30,000.00", "30000.00"),
        ("罚款贰万元整", "20000.00"),
        ("壹拾万元", "100000.00"),
        ("拾万元", "100000.00"),
        ("叁仟伍佰元", "3500.00"),
        ("一万元", "10000.00"),
        ("罚款两千元", "2000.00"),
        ("并处罚款人民币伍仟元", "5000.00"),
        ("壹仟零伍元", "1005.00"),
        ("壹佰元零伍分", "100.05"),
        ("伍角叁分", "0.53"),
        ("壹拾贰万叁仟肆佰伍拾陆元柒角捌分", "123456.78"),
        ("壹亿贰仟万元整", "120000000.00"),
        ("3万5千元", "35000.00"),
        ("叁万元整（¥30,000.00）", "30000.00"),
        ("30000.00元(大写：叁万元整)", "30000.00"),
        ("1.23万元", "12300.00"),
        ("0元", "0.00"),
    ],
)
def test_money(raw: str, amount: str) -> None:
    assert parse_money(raw) == Decimal(amount)


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("12000美元", "not an amount"),
        ("-500", "negative"),
        ("负500元", "negative"),
        ("1.2.3", "not an amount"),
        ("元", "no amount"),
        ("罚款", "no amount"),
        ("about 5000", "not an amount"),
        ("NaN", "not an amount"),
        ("Infinity", "not an amount"),
        ("1e5", "not an amount"),
        ("1,5", "not an amount"),  # a decimal comma is not a thousands separator
        ("1" * 27, "implausibly large"),
        ("1" * 16, "implausibly large"),
        ("壹万亿元", "implausibly large"),
        ("0.001元", "a fraction of a fen"),
        ("1.2345678万元", "a fraction of a fen"),
        ("1.00000000000000000000000000001万", "a fraction of a fen"),
        ("壹壹元", "two digits"),
        ("佰元", "without a digit"),
        ("伍元伍", "without its unit"),
        ("壹万万元", "万 out of place"),
        ("伍分伍角", "more after the fen"),
        ("叁万元整（¥20,000.00）", "disagree"),
    ],
)
def test_bad_money(raw: str, why: str) -> None:
    """Impossible or absurd amounts are rejected, never rounded, never a traceback."""
    with pytest.raises(BadValue) as exc:
        parse_money(raw)
    assert exc.value.reason == "bad_amount"
    assert why in exc.value.detail, exc.value.detail


@given(st.integers(min_value=1, max_value=10**13))
def test_capital_numerals_read_back(fen: int) -> None:
    """Any amount under a hundred billion yuan, written in capital numerals (by the sample
    generator, which knows nothing of the parser), reads back to the fen; with figures too."""
    expected = Decimal(fen) / 100
    assert parse_money(in_words(fen)) == expected, in_words(fen)
    assert parse_money(f"人民币{in_words(fen)}（¥{expected:,.2f}）") == expected


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
    assert clean_number("合广登字﹝2017﹞1号") == "合广登字〔2017〕1号"


@pytest.mark.parametrize(
    "raw",
    [
        "合广登字〔2017〕1号",
        "合广登字〔2017〕001号",
        "合广登字[2017]第1号",
        "合广登字【2017】001号",
        "合广登字（2017）第001号",
        "合广登字（２０１７）第００１号",
        "合广登字 〔 2017 〕 第 1 号",
        "合广登字〖2017〗01号",
    ],
)
def test_one_number_in_every_style(raw: str) -> None:
    assert number_key(clean_number(raw)) == "合广登字〔2017〕1号"


def test_numbers_that_differ_stay_apart() -> None:
    keys = {
        number_key(clean_number(n))
        for n in [
            "合广登字〔2017〕1号",
            "合广登字〔2017〕10号",
            "合广登字〔2018〕1号",
            "合广变字〔2017〕1号",
        ]
    }
    assert len(keys) == 4
    assert number_key("合广登201700001") == "合广登201700001"
    assert number_key("皖广登字第0000号") == "皖广登字0号"


@settings(deadline=None)  # a Polars call per example: slow on a busy machine
@given(
    st.from_regex(
        r"[合皖广登字]{2,4}[\[【（(〔]20[12][0-9][\]】）)〕]第?0{0,3}[1-9][0-9]{0,3}号",
        fullmatch=True,
    )
)
def test_number_key_in_polars_is_pythons(raw: str) -> None:
    """Record ids canonicalise numbers in Polars with the same pattern."""
    import polars as pl

    from publisher.values import NUMBER_SERIAL

    cleaned = clean_number(raw)
    polars_key = pl.Series([cleaned]).str.replace(NUMBER_SERIAL, "${1}${2}")[0]
    assert polars_key == number_key(cleaned)


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
        "（+86）13912345678",
        "+86 139-1234-5678",
        "１３９１２３４５６７８",
        "１３９－１２３４－５６７８",
        "139　1234　5678",
        "139.1234.5678",
        "139—1234—5678",
        "(0571)87654321",
        "（０５７１）８７６５４３２１",
        "(0571) 8765-4321",
        "0571-8765 4321",
        "+86 571 8765 4321",
        "+86-571-87654321",
        "86-10-62345678",
    ],
)
def test_phone_numbers_found(text: str) -> None:
    assert find_personal(text) == "phone_number"


ID = "34010419900101123" + mod11_2("34010419900101123")


@pytest.mark.parametrize(
    "text",
    [
        f"身份证 {ID[:6]} {ID[6:14]} {ID[14:]}",
        f"{ID[:6]}-{ID[6:14]}-{ID[14:]}",
        f"{ID[:4]} {ID[4:8]} {ID[8:12]} {ID[12:16]} {ID[16:]}",
        "身份证号：" + ID.translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)}),
        f"{ID[:6]}－{ID[6:14]}－{ID[14:]}",
        "110105 19491231 002x",  # GB 11643's own example, check character X written small
    ],
)
def test_id_numbers_in_any_spelling(text: str) -> None:
    assert find_personal(text) == "id_card_number"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("联系人：张三", "contact_person"),
        ("联系人: 张三丰", "contact_person"),
        ("如有疑问请找联系人王五。", "contact_person"),
        ("联系人姓名：赵六", "contact_person"),
        ("经办人：李四", "staff_name"),
        ("经办人李四，已核实", "staff_name"),
        ("承办人：钱七", "staff_name"),
    ],
)
def test_contact_names_after_their_label(text: str, kind: str) -> None:
    assert find_personal(text) == kind


@pytest.mark.parametrize(
    "text", ["经办人员已核实", "联系人：无", "联系人电话未留", "联系人为法定代表人", "主要联系人"]
)
def test_labels_without_a_name(text: str) -> None:
    assert find_personal(text) is None


def test_an_id_number_needs_a_province_and_a_birth_date() -> None:
    """An all-digit credit code fits the check character 1 in 11, but not the birth date."""
    for first17 in ("12340100485012345", "99010419900101123", "34010419901301123"):
        number = first17 + mod11_2(first17)
        assert find_personal(f"统一社会信用代码：{number}") is None, number


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
