"""Publishing pages: public (views.public) and the staff console (views.console)."""
