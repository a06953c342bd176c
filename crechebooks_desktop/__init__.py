"""CrecheBooks Desktop: bookkeeping for South African creches and pre-schools."""

__version__ = "0.1.0"
