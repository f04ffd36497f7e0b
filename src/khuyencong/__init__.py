"""khuyencong — the management system for Vietnam's industrial-extension programme (khuyến công)."""
