"""Which file column feeds which field: guessed from the header, confirmed by the user."""

from django.utils.translation import gettext_lazy as _

from ..choices import ImportKind

CUSTOMER_FIELDS = {
    "name": (_("name"), ["客户名称", "客户姓名", "姓名", "名称", "单位名称", "name", "customer"]),
    "code": (_("customer number"), ["客户编号", "户号", "客户号", "编号", "code", "customer number"]),
    "kind": (_("customer type"), ["客户类型", "类型", "type", "kind"]),
    "mobile": (_("mobile"), ["手机", "手机号", "手机号码", "移动电话", "联系电话", "mobile", "phone number"]),
    "phone": (_("landline"), ["固定电话", "座机", "电话", "landline", "telephone"]),
    "email": (_("email"), ["邮箱", "电子邮箱", "email", "e-mail"]),
    "id_number": (_("ID number"), ["身份证号", "身份证", "证件号码", "id number"]),
    "org_code": (_("organisation code"), ["统一社会信用代码", "信用代码", "组织机构代码", "organisation code"]),
    "address": (_("address"), ["地址", "用电地址", "联系地址", "address"]),
    "region": (_("region"), ["区域", "所属区域", "区县", "region"]),
    "grid": (_("grid"), ["网格", "所属网格", "grid"]),
    "industry": (_("industry"), ["行业", "行业分类", "industry"]),
    "source_channel": (_("source channel"), ["来源", "来源渠道", "source"]),
    "tier": (_("tier"), ["客户等级", "等级", "星级", "tier"]),
    "credit_rating": (_("credit rating"), ["信用等级", "信用", "credit"]),
    "contract_no": (_("contract number"), ["合同编号", "合同号", "contract"]),
    "birthday": (_("birthday"), ["生日", "出生日期", "birthday"]),
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
    return "".join(str(text).lower().split()).replace("*", "").replace("（", "(").split("(")[0]


def guess_mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """{column index as text: field} for headers that name a field; each field used once."""
    mapping, taken = {}, set()
    for index, header in enumerate(headers):
        normal = _normal(header)
        for field, (_label, synonyms) in fields_for(kind).items():
            if field not in taken and normal in {_normal(s) for s in synonyms}:
                mapping[str(index)] = field
                taken.add(field)
                break
    return mapping


def template_headers(kind: str) -> list[str]:
    """The headers of the downloadable template: the first Chinese synonym of each field."""
    return [synonyms[0] for _label, synonyms in fields_for(kind).values()]
