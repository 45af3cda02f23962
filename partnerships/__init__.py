"""Development partnerships: contracts, milestones, payments and open data.

Imports ``challenge``; ``challenge`` never imports this package (it registers itself
through ``partnerships.plugin``).
"""
