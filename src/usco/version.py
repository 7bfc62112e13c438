"""usco's version, alone in its module so that any module may import it without a cycle."""

__version__ = "0.2.0"
