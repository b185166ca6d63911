"""pollwatch: run an election observation mission and check official results."""

__version__ = "0.1.0"
