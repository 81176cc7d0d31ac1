"""kztariffs: tariffs for special social services in Kazakhstan, from decrees to reports."""
__version__ = "0.1.0"
