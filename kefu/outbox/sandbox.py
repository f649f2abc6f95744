"""The only tags and filters a message template may use.

A template is written by an admin and rendered for thousands of customers, so it gets a small
language: conditions, loops, `with`, `now`, `firstof` and the text filters. No `include`,
`extends`, `load`, `url`, `debug` or `csrf_token`: nothing that reads other templates, the URL
map or the rendering context beyond the variables given (`rendering.VARIABLES`).
"""

from django import template
from django.template import defaultfilters, defaulttags

register = template.Library()

for _name in (
    "autoescape", "comment", "cycle", "filter", "firstof", "for", "if", "now", "spaceless",
    "templatetag", "verbatim", "with",
):  # fmt: skip
    register.tag(_name, defaulttags.register.tags[_name])

for _name, _filter in defaultfilters.register.filters.items():
    if _name not in {"pprint"}:  # pprint shows an object's insides
        register.filter(_name, _filter)
