"""Thin views over the classes app's modules, one file per page family."""
