"""Recovering what the user meant: wrong keyboard layout and typos."""
