"""core has no domain services: these test the helpers the apps' services build on (phones and
masking, exports, search keys, periodic jobs, text validation, the runtime setting)."""
