"""Masking of personal data on screens (GB/T 35273 §7.2): show enough to recognise, not to use."""


def mask_phone(value: str | None) -> str:
    """`13812341234` -> `138****1234`; short numbers keep only their last two digits."""
    if not value:
        return ""
    if len(value) >= 7:
        return f"{value[:3]}****{value[-4:]}"
    return "*" * max(len(value) - 2, 0) + value[-2:]


def mask_id_number(value: str | None) -> str:
    """A resident ID keeps its first and last four characters: `1101**********1234`."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"
