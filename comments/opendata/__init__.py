"""What leaves the site as data: the open-data API, its OpenAPI document and the exports."""
