"""The Qt user interface: the only layer that imports PySide6 (DESIGN §2)."""
