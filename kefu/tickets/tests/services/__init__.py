"""The request services: lifecycle, routing and oversight, configuration cache, demo data.

test_rules.py checks each business rule once through the page, the API and the service ("via"),
and other rules checked on both paths live here too: the rule lives in the service, so its test
lives with the services."""
