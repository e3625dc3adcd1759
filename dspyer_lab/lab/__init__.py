"""Notebook tooling on top of the core: the live graph, the inspection panels, the magics."""
