"""sdcli: the terminal tool of a network-services service desk."""

__version__ = "0.1.0"
