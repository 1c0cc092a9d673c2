"""Kivy screens: thin views that draw the view-models the application hands them."""
