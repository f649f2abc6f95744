"""Which file column feeds which field: guessed from the header, confirmed by the user."""

from django.utils.translation import gettext_lazy as _

from ..choices import ImportKind

CUSTOMER_FIELDS = {
    "name": (
        _("name"),
        ["客户名称", "户名", "用户名称", "单位名称", "客户姓名", "用户姓名", "姓名", "名称", "name", "customer"],
    ),
    "code": (
        _("customer number"),
        ["客户编号", "户号", "客户号", "用户编号", "用户号", "编号", "code", "customer number"],
    ),
    "kind": (_("customer type"), ["客户类型", "类型", "type", "kind"]),
    "mobile": (
        _("mobile"),
        ["手机", "手机号", "手机号码", "移动电话", "联系电话", "联系手机", "联系方式", "mobile", "phone number"],
    ),
    "phone": (_("landline"), ["固定电话", "座机", "座机号码", "办公电话", "电话", "landline", "telephone"]),
    "email": (_("email"), ["邮箱", "电子邮箱", "email", "e-mail"]),
    "id_number": (_("ID number"), ["身份证号", "身份证号码", "身份证", "证件号码", "证件号", "id number"]),
    "org_code": (_("organisation code"), ["统一社会信用代码", "信用代码", "组织机构代码", "organisation code"]),
    "address": (_("address"), ["地址", "用电地址", "联系地址", "通讯地址", "住址", "address"]),
    "region": (_("region"), ["区域", "所属区域", "区县", "region"]),
    "grid": (_("grid"), ["网格", "所属网格", "台区", "台区名称", "grid"]),
    "industry": (_("industry"), ["行业", "行业分类", "所属行业", "行业类别", "industry"]),
    "source_channel": (_("source channel"), ["来源", "来源渠道", "source"]),
    "tier": (_("tier"), ["客户等级", "等级", "星级", "tier"]),
    "credit_rating": (_("credit rating"), ["信用等级", "信用", "credit"]),
    "contract_no": (_("contract number"), ["合同编号", "合同号", "contract"]),
    "birthday": (_("birthday"), ["生日", "出生日期", "出生年月日", "birthday"]),
    "notes": (_("notes"), ["备注", "说明", "notes"]),
    "account_manager": (_("account manager"), ["客户经理", "客户代表", "account manager"]),
}
KEY_PERSON_FIELDS = {
    "customer": (
        _("customer (number, organisation code or mobile)"),
        ["客户编号", "户号", "所属客户", "客户", "customer"],
    ),
    "name": (_("name"), ["姓名", "联系人", "关键人", "name"]),
    "title": (_("role or title"), ["职务", "职位", "角色", "title", "role"]),
    "mobile": (_("mobile"), ["手机", "手机号", "手机号码", "mobile"]),
    "phone": (_("landline"), ["固定电话", "座机", "电话", "landline"]),
    "email": (_("email"), ["邮箱", "email"]),
    "birthday": (_("birthday"), ["生日", "出生日期", "birthday"]),
    "preferences": (_("preferences"), ["喜好", "偏好", "preferences"]),
    "taboos": (_("taboos"), ["禁忌", "taboos"]),
}
REQUIRED = {ImportKind.CUSTOMERS: ["name"], ImportKind.KEY_PERSONS: ["customer", "name"]}


def fields_for(kind: str) -> dict:
    return CUSTOMER_FIELDS if kind == ImportKind.CUSTOMERS else KEY_PERSON_FIELDS


def _normal(text: str) -> str:
    """A header as compared: no spaces, marks of required columns (*), notes in brackets or colons."""
    text = "".join(str(text).lower().split()).replace("*", "").replace("（", "(").replace("：", ":")
    return text.split("(")[0].rstrip(":")


def _synonyms(kind: str) -> dict[str, str]:
    """{normalised header word: field}; a word listed for two fields belongs to the first."""
    words: dict[str, str] = {}
    for field, (_label, synonyms) in fields_for(kind).items():
        for synonym in synonyms:
            words.setdefault(_normal(synonym), field)
    return words


def guess_mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """{column index as text: field} for headers that name a field; each field used once."""
    words, mapping, taken = _synonyms(kind), {}, set()
    for index, header in enumerate(headers):
        field = words.get(_normal(header))
        if field and field not in taken:
            mapping[str(index)] = field
            taken.add(field)
    return mapping


def find_header_row(kind: str, rows: list[tuple[int, list[str]]]) -> int:
    """The spreadsheet row number of the header among the first rows (number, texts).

    The row naming the most known fields wins (the earliest on a tie): a title merged over the
    columns ("2026年城东供电所客户台账"), a note or a date above the header names none. Without
    any known word, the first row with two or more filled cells.
    """
    best, best_score = None, 0
    for number, texts in rows:
        score = len(guess_mapping(kind, texts))
        if score > best_score:
            best, best_score = number, score
    if best is not None:
        return best
    filled = [number for number, texts in rows if sum(1 for text in texts if text) >= 2]
    return filled[0] if filled else rows[0][0]


def header_texts(cells: list[str]) -> list[str]:
    """A header row's texts, without the empty cells after the last heading."""
    texts = [str(cell).strip() for cell in cells]
    while texts and not texts[-1]:
        texts.pop()
    return texts


def apply_saved(kind: str, headers: list[str], saved_fields: dict[str, str]) -> dict[str, str]:
    """A saved {header: field} mapping applied to this file's columns, by header text."""
    known = fields_for(kind)
    by_header = {_normal(header): field for header, field in saved_fields.items() if field in known}
    mapping, taken = {}, set()
    for index, header in enumerate(headers):
        field = by_header.get(_normal(header))
        if field and field not in taken:
            mapping[str(index)] = field
            taken.add(field)
    return mapping


def same_shape(headers: list[str], saved_headers: list[str]) -> bool:
    """Whether a file's header row reads like the one a mapping was saved from."""
    ours = [_normal(h) for h in headers if _normal(h)]
    return bool(ours) and ours == [_normal(h) for h in saved_headers if _normal(h)]


def template_headers(kind: str) -> list[str]:
    """The headers of the downloadable template: the first Chinese synonym of each field."""
    return [synonyms[0] for _label, synonyms in fields_for(kind).values()]
