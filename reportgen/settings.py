"""Project settings: the settings-file half of :mod:`reportgen.config`.

Kept for the names the Python API has used: ``Settings`` is
:class:`reportgen.config.Config` (one configuration object, issue 14) and
``load_settings`` is :func:`reportgen.config.load_config`.
"""

from __future__ import annotations

from reportgen.config import LAST_EPOCH, Config, Format, load_config, source_date_epoch

Settings = Config
load_settings = load_config

__all__ = ["LAST_EPOCH", "Config", "Format", "Settings", "load_config", "load_settings", "source_date_epoch"]
