"""One module per command; sdcli/cli.py composes them."""
