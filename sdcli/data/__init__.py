"""Desk configuration shipped with sdcli; each file may be overridden from SDCLI_HOME."""
