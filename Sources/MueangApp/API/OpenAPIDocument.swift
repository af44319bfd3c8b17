import Vapor

/// The OpenAPI 3 description of `/api/v1`, served at `/api/v1/openapi.json`. Every error is
/// `{"error": {"th", "en"}}`, which the shared `4XX` response says once for every operation.
enum OpenAPIDocument {
    static func register(_ site: Site) {
        site.global(.GET, .api(.openAPI), .public) { _ in
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: .ok, headers: headers, body: .init(string: json))
        }
    }

    static let json = #"""
    {
      "openapi": "3.0.3",
      "info": {"title": "Mueang API", "version": "1.0.0",
               "description": "City data platform for Thai local government. Every error is {\"error\": {\"th\": ..., \"en\": ...}} with a 4xx status."},
      "servers": [{"url": "/"}],
      "security": [{"bearer": []}],
      "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "parameters": {
          "tenant": {"name": "tenant", "in": "path", "required": true, "schema": {"type": "string"}},
          "dataset": {"name": "dataset", "in": "path", "required": true, "schema": {"type": "string"}},
          "id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
          "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
          "offset": {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}
        },
        "responses": {
          "Error": {"description": "A refusal, in Thai and English",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        },
        "schemas": {
          "Message": {"type": "object", "required": ["th", "en"], "properties": {"th": {"type": "string"}, "en": {"type": "string"}}},
          "Error": {"type": "object", "required": ["error"], "properties": {"error": {"$ref": "#/components/schemas/Message"}}},
          "Tenant": {"type": "object", "required": ["slug", "name"], "properties": {
            "slug": {"type": "string"}, "name": {"$ref": "#/components/schemas/Message"}, "kind": {"type": "string"},
            "province": {"type": "string"}, "modules": {"type": "array", "items": {"type": "string"}},
            "centre": {"type": "object"}, "colors": {"type": "object"}, "defaultLanguage": {"type": "string"}}},
          "TenantList": {"type": "object", "required": ["items", "total"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Tenant"}}, "total": {"type": "integer"}}},
          "Me": {"type": "object", "required": ["username", "role"], "properties": {
            "username": {"type": "string"}, "displayName": {"type": "string"}, "role": {"type": "string"}, "tenant": {"type": "string", "nullable": true}}},
          "List": {"type": "object", "required": ["items", "total"], "properties": {
            "items": {"type": "array", "items": {"type": "object"}}, "total": {"type": "integer"}}},
          "Field": {"type": "object", "required": ["key", "type"], "properties": {
            "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"},
            "type": {"type": "string", "enum": ["text", "long_text", "integer", "decimal", "date", "datetime", "boolean", "choice", "multi_choice",
                                                "thai_id", "phone", "email", "point", "area", "file", "village", "reference"]},
            "label": {"$ref": "#/components/schemas/Message"}, "help": {"$ref": "#/components/schemas/Message"},
            "required": {"type": "boolean"}, "unique": {"type": "boolean"}, "min": {}, "max": {}, "pattern": {"type": "string"},
            "default": {}, "choices": {"type": "array", "items": {"type": "string"}}, "reference": {"type": "string"}, "archived": {"type": "boolean"}}},
          "NewDataset": {"type": "object", "required": ["slug", "title", "fields"], "properties": {
            "slug": {"type": "string"}, "title": {"$ref": "#/components/schemas/Message"}, "division": {"type": "string"},
            "description": {"type": "string"}, "lawfulBasis": {"type": "string"},
            "fields": {"type": "array", "items": {"$ref": "#/components/schemas/Field"}}}},
          "Dataset": {"type": "object", "required": ["slug", "title", "fields"], "properties": {
            "slug": {"type": "string"}, "title": {"$ref": "#/components/schemas/Message"}, "division": {"type": "string", "nullable": true},
            "description": {"type": "string"}, "lawfulBasis": {"type": "string"}, "published": {"type": "boolean"},
            "fields": {"type": "array", "items": {"$ref": "#/components/schemas/Field"}}}},
          "DatasetList": {"type": "object", "required": ["items", "total"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Dataset"}}, "total": {"type": "integer"}}},
          "Record": {"type": "object", "required": ["id", "version", "values"], "properties": {
            "id": {"type": "string", "format": "uuid"}, "version": {"type": "integer"}, "values": {"type": "object"}}},
          "RecordList": {"type": "object", "required": ["items", "total"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}}, "total": {"type": "integer"}}},
          "Version": {"type": "object", "required": ["version", "actor", "at", "values"], "properties": {
            "version": {"type": "integer"}, "action": {"type": "string"}, "actor": {"type": "string"}, "at": {"type": "string", "format": "date-time"},
            "deleted": {"type": "boolean"}, "values": {"type": "object"}}},
          "VersionList": {"type": "object", "required": ["items", "total"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Version"}}, "total": {"type": "integer"}}},
          "ImportResult": {"type": "object", "required": ["imported", "updated", "rejected"], "properties": {
            "imported": {"type": "integer"}, "updated": {"type": "integer", "description": "Records a row changed"},
            "unchanged": {"type": "integer", "description": "Rows that matched a record by key and changed nothing"},
            "ignoredColumns": {"type": "array", "items": {"type": "string"}, "description": "Headers of columns no field took"},
            "rejected": {"type": "array", "items": {"type": "object", "required": ["row", "reason"], "properties": {
              "row": {"type": "integer"}, "column": {"type": "string", "nullable": true}, "reason": {"$ref": "#/components/schemas/Message"}}}}}},
          "Job": {"type": "object", "required": ["id", "status", "progress", "result"], "properties": {
            "id": {"type": "string"}, "status": {"type": "string", "enum": ["running", "done", "failed"]},
            "progress": {"type": "number", "minimum": 0, "maximum": 1}, "result": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/ImportResult"}]},
            "error": {"$ref": "#/components/schemas/Message"}}}
        }
      },
      "paths": {
        "/api/v1/tenants": {"get": {"operationId": "listTenants", "security": [],
          "responses": {"200": {"description": "Municipalities", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TenantList"}}}},
                        "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/me": {"get": {"operationId": "me",
          "responses": {"200": {"description": "The token's user", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}}},
                        "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}": {"parameters": [{"$ref": "#/components/parameters/tenant"}], "get": {"operationId": "tenant", "security": [],
          "responses": {"200": {"description": "A municipality", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tenant"}}}},
                        "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/divisions": {"parameters": [{"$ref": "#/components/parameters/tenant"}], "get": {"operationId": "divisions",
          "responses": {"200": {"description": "Divisions", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/List"}}}},
                        "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/villages": {"parameters": [{"$ref": "#/components/parameters/tenant"}], "get": {"operationId": "villages",
          "responses": {"200": {"description": "Villages and communities", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/List"}}}},
                        "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/users": {"parameters": [{"$ref": "#/components/parameters/tenant"}], "get": {"operationId": "users",
          "responses": {"200": {"description": "People", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/List"}}}},
                        "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/audit": {"parameters": [{"$ref": "#/components/parameters/tenant"}], "get": {"operationId": "audit",
          "parameters": [{"name": "from", "in": "query", "schema": {"type": "string"}}, {"name": "to", "in": "query", "schema": {"type": "string"}},
                         {"name": "action", "in": "query", "schema": {"type": "string"}}, {"$ref": "#/components/parameters/offset"}],
          "responses": {"200": {"description": "Audit log", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/List"}}}},
                        "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/datasets": {"parameters": [{"$ref": "#/components/parameters/tenant"}],
          "get": {"operationId": "listDatasets",
            "responses": {"200": {"description": "Datasets", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DatasetList"}}}},
                          "4XX": {"$ref": "#/components/responses/Error"}}},
          "post": {"operationId": "createDataset",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewDataset"}}}},
            "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dataset"}}}},
                          "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/datasets/{dataset}": {"parameters": [{"$ref": "#/components/parameters/tenant"}, {"$ref": "#/components/parameters/dataset"}],
          "get": {"operationId": "dataset",
            "responses": {"200": {"description": "The dataset and its fields", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dataset"}}}},
                          "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/datasets/{dataset}/records": {"parameters": [{"$ref": "#/components/parameters/tenant"}, {"$ref": "#/components/parameters/dataset"}],
          "get": {"operationId": "records", "parameters": [{"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"},
                                                           {"name": "q", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "A page of records", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RecordList"}}}},
                          "4XX": {"$ref": "#/components/responses/Error"}}},
          "post": {"operationId": "createRecord",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Record"}}}},
                          "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/datasets/{dataset}/records/{id}": {"parameters": [{"$ref": "#/components/parameters/tenant"}, {"$ref": "#/components/parameters/dataset"}, {"$ref": "#/components/parameters/id"}],
          "get": {"operationId": "record",
            "responses": {"200": {"description": "A record", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Record"}}}},
                          "4XX": {"$ref": "#/components/responses/Error"}}},
          "patch": {"operationId": "updateRecord",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "The new version", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Record"}}}},
                          "4XX": {"$ref": "#/components/responses/Error"}}},
          "delete": {"operationId": "deleteRecord",
            "responses": {"204": {"description": "Moved to the trash"}, "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/datasets/{dataset}/records/{id}/history": {"parameters": [{"$ref": "#/components/parameters/tenant"}, {"$ref": "#/components/parameters/dataset"}, {"$ref": "#/components/parameters/id"}],
          "get": {"operationId": "recordHistory",
            "responses": {"200": {"description": "Every version", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VersionList"}}}},
                          "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/datasets/{dataset}/records/{id}/restore": {"parameters": [{"$ref": "#/components/parameters/tenant"}, {"$ref": "#/components/parameters/dataset"}, {"$ref": "#/components/parameters/id"}],
          "post": {"operationId": "restoreRecordVersion", "parameters": [{"name": "version", "in": "query", "required": true, "schema": {"type": "integer", "minimum": 1}}],
            "responses": {"200": {"description": "Restored as a new version", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Record"}}}},
                          "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/datasets/{dataset}/trash": {"parameters": [{"$ref": "#/components/parameters/tenant"}, {"$ref": "#/components/parameters/dataset"}],
          "get": {"operationId": "trash", "parameters": [{"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}],
            "responses": {"200": {"description": "Deleted records", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RecordList"}}}},
                          "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/datasets/{dataset}/trash/{id}": {"parameters": [{"$ref": "#/components/parameters/tenant"}, {"$ref": "#/components/parameters/dataset"}, {"$ref": "#/components/parameters/id"}],
          "delete": {"operationId": "purgeRecord", "description": "Removes a record in the trash for good, with its history. Municipal admins only; logged.",
            "responses": {"204": {"description": "Purged"}, "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/datasets/{dataset}/trash/{id}/restore": {"parameters": [{"$ref": "#/components/parameters/tenant"}, {"$ref": "#/components/parameters/dataset"}, {"$ref": "#/components/parameters/id"}],
          "post": {"operationId": "restoreFromTrash",
            "responses": {"200": {"description": "Back from the trash", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Record"}}}},
                          "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/datasets/{dataset}/import": {"parameters": [{"$ref": "#/components/parameters/tenant"}, {"$ref": "#/components/parameters/dataset"}],
          "post": {"operationId": "importFile",
            "parameters": [{"name": "mode", "in": "query", "schema": {"type": "string", "enum": ["all_or_nothing", "valid_rows"]}},
                           {"name": "key", "in": "query", "schema": {"type": "string"}},
                           {"name": "sheet", "in": "query", "description": "The XLSX sheet to read (the first when left out)", "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"text/csv": {"schema": {"type": "string"}},
                                                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": {"200": {"description": "Imported", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImportResult"}}}},
                          "202": {"description": "A job to poll", "content": {"application/json": {"schema": {"type": "object", "required": ["job"], "properties": {"job": {"type": "string"}}}}}},
                          "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/datasets/{dataset}/export": {"parameters": [{"$ref": "#/components/parameters/tenant"}, {"$ref": "#/components/parameters/dataset"}],
          "get": {"operationId": "export", "parameters": [{"name": "format", "in": "query", "schema": {"type": "string", "enum": ["csv", "xlsx", "geojson", "json"]}}],
            "responses": {"200": {"description": "The file", "content": {
              "text/csv": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object", "required": ["items", "total"], "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}}, "total": {"type": "integer", "minimum": 0}}}},
              "application/geo+json": {"schema": {"type": "object"}},
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}},
                          "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/datasets/{dataset}/restore": {"parameters": [{"$ref": "#/components/parameters/tenant"}, {"$ref": "#/components/parameters/dataset"}],
          "post": {"operationId": "restoreDataset", "parameters": [{"name": "at", "in": "query", "required": true, "schema": {"type": "string", "format": "date-time"}}],
            "responses": {"200": {"description": "Records changed", "content": {"application/json": {"schema": {"type": "object", "required": ["restored"], "properties": {"restored": {"type": "integer"}, "at": {"type": "string"}}}}}},
                          "4XX": {"$ref": "#/components/responses/Error"}}}},
        "/api/v1/t/{tenant}/jobs/{id}": {"parameters": [{"$ref": "#/components/parameters/tenant"}, {"$ref": "#/components/parameters/id"}],
          "get": {"operationId": "job",
            "responses": {"200": {"description": "Progress and result", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}},
                          "4XX": {"$ref": "#/components/responses/Error"}}}}
      }
    }
    """#
}
