"""Cadence compliance: waivers, flags and issued reports."""
