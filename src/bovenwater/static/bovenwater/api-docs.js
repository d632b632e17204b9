// The API documentation page: Swagger UI over the committed OpenAPI file (no CDN, no inline script).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-schema-url"),
    domNode: root,
    deepLinking: true,
    supportedSubmitMethods: [],
    defaultModelsExpandDepth: 0,
  });
})();
