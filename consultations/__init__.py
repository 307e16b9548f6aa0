"""Consultations, their draft documents, versions and anchored paragraphs."""
