"""Bank statement readers (OFX, QIF, CSV profiles) producing domain bank lines."""
