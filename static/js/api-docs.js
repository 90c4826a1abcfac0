// The /api/v1/docs page: Swagger UI (vendored, static/vendor/swagger-ui) reading the generated OpenAPI document.
// A file of its own, not an inline script: the CSP allows scripts from this site only.
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-spec"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,          // no badge fetched from the internet
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    tryItOutEnabled: false
  });
})();
