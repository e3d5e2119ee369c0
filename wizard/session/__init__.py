"""The journey's controllers: what each page does, Qt-free and tested without a display."""
