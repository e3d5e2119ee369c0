"""The support view's Qt-free core: what a vendor's or the hub's support agent checks for one district."""
