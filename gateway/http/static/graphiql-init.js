// Starts GraphiQL with the explorer plugin. Served by the gateway (never inline), so the page's
// Content-Security-Policy can forbid inline scripts. Settings come from the JSON block
// #graphiql-config, which the server fills in (endpoint, example tabs, demo headers).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("graphiql-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).toString();
  // In demo mode the schema is introspected as a demo persona; each tab's own headers still
  // decide who runs its operation. Elsewhere, paste headers and press "Re-fetch schema".
  var fetcher = GraphiQL.createFetcher({ url: endpoint, headers: config.fetcherHeaders });
  var explorer = GraphiQLPluginExplorer.explorerPlugin();

  // GraphiQL 3 can send the previous tab's operationName with a newly selected tab's query;
  // drop a name the query does not define, so the server picks the query's only operation.
  function operationDefined(query, name) {
    var pattern = new RegExp("\\b(query|mutation|subscription)\\s+" + name + "\\b");
    return pattern.test(query);
  }
  var baseFetcher = fetcher;
  fetcher = function (params, options) {
    if (params.operationName && !operationDefined(params.query, params.operationName)) {
      params = Object.assign({}, params, { operationName: null });
    }
    return baseFetcher(params, options);
  };

  function App() {
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      defaultTabs: config.tabs,
      defaultHeaders: config.defaultHeaders,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: config.persistHeaders,
      inputValueDeprecation: true,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
})();
