"""What crosses the wire between the hub and its clients: vocabularies and bodies, defined once.

Qt-free and free of both sides: `wizard.sandbox` (the hub) and `wizard.hub` (the clients) import this
package, never each other.
"""
