"""The hub's routers, one module per resource; `wizard.sandbox.app` mounts them all."""
