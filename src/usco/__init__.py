"""usco: sourced facts about United States–Colombia relations."""

__version__ = "0.1.0"
