"""Kompas pages, one module per area: handbook and search, cards and sociale kaart,
training, notes and sharing, self-assessment. Validation and rendering only; reads of
personal data go through selectors and writes through services."""
