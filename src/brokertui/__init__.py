"""brokertui: deadlines, pedimentos and Anexo 24 inventory for Mexican customs brokers."""

__version__ = "0.1.0"
