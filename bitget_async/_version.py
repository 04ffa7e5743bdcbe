"""The package version, in a leaf module so the transport can name it in ``User-Agent``."""

__version__ = "0.1.0"
