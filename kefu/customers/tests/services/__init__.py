"""The customer services and what they rely on (validation, imports, demo data).

test_rules.py checks each rule on what a change points at once through the page, the API and the
service ("via"): the rule lives in the service, so the test lives here."""
