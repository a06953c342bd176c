"""The Matching tab: bank credits beside the households they most likely pay."""
