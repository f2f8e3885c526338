"""The header's token sources, layouts, save flags and remedies as Python enums."""

import enum

from ._abi import CONSTANTS as _C


class Layout(enum.IntEnum):
    """The secret-file layout (FW_LAYOUT_*)."""

    FRAMEWORK = _C["FW_LAYOUT_FRAMEWORK"]
    CAVE = _C["FW_LAYOUT_CAVE"]


class Source(enum.IntEnum):
    """Where the token in use came from (FW_SOURCE_*)."""

    NONE = _C["FW_SOURCE_NONE"]
    EXPLICIT = _C["FW_SOURCE_EXPLICIT"]
    ENV = _C["FW_SOURCE_ENV"]
    FILE = _C["FW_SOURCE_FILE"]
    ENV_CAVE_TOKEN = _C["FW_SOURCE_ENV_CAVE_TOKEN"]
    ENV_TOKEN_FILE = _C["FW_SOURCE_ENV_TOKEN_FILE"]
    ENV_CAVE_TOKEN_FILE = _C["FW_SOURCE_ENV_CAVE_TOKEN_FILE"]

    @property
    def c_name(self):
        """The header's name of this source, e.g. "FW_SOURCE_ENV", as the
        library gives it (fw_token_source_name), for logs and messages."""
        from ._native import lib  # _native imports this module

        return lib.fw_token_source_name(self).decode("ascii")


class SaveFlags(enum.IntFlag):
    """Flags of Auth.save_token (FW_SAVE_*); 0 means caveclient's defaults."""

    OVERWRITE = _C["FW_SAVE_OVERWRITE"]
    NO_SWITCH = _C["FW_SAVE_NO_SWITCH"]
    NO_SERVER_FILE = _C["FW_SAVE_NO_SERVER_FILE"]
    NO_LOCAL_SERVER = _C["FW_SAVE_NO_LOCAL_SERVER"]
    STRICT_READONLY = _C["FW_SAVE_STRICT_READONLY"]
    REPLACE_INVALID = _C["FW_SAVE_REPLACE_INVALID"]


# What fixes an error (FW_REMEDY_*), every value of the header's list.
Remedy = enum.IntEnum("Remedy", {
    name[len("FW_REMEDY_"):]: value for name, value in _C.items() if name.startswith("FW_REMEDY_")
}, module=__name__)
Remedy.__doc__ = "What fixes an error (FW_REMEDY_*): FwError.remedy."
