"""Device library: the receipt printer (ESC/POS through python-escpos) and its simulator."""
