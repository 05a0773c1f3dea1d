"""PPID views: public pages and the staff console."""
