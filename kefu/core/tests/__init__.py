"""Tests of core, in layers (services/, views/, api/). The three files left here check the project
as a whole rather than one layer: app boundaries, production settings and the translation catalog."""
