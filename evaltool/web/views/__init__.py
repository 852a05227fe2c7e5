"""The pages of the web workspace, one module per area: the workspace, imports, results and
reports. Each module lists its routes in ``ROUTES``."""
