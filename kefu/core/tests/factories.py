"""Data shared by the core tests of every layer."""

# A new request whose description runs over two lines (allowed in multi-line text).
NEW = {
    "ticket_type": "complaint",
    "channel": "phone",
    "priority": "normal",
    "title": "停电未通知",
    "description": "昨日停电\n未通知",
}
