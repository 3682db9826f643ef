"""A stand-in for a Kubernetes API server's discovery endpoints, so that
`kubectl apply --dry-run=client` can map the manifests' kinds on a machine
with no cluster (check.sh). It knows only the kinds sise's manifests use and
answers 404 for every object, as a cluster without them would; it validates
nothing itself (check.sh validates against the real schemas)."""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

def resource(name, kind, short=()):
    return {"name": name, "singularName": kind.lower(), "namespaced": True, "kind": kind,
            "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"], "shortNames": list(short)}

ROUTES = {
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": "batch", "versions": [{"groupVersion": "batch/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "batch/v1", "version": "v1"}}]},
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1",
                "resources": [resource("persistentvolumeclaims", "PersistentVolumeClaim", ["pvc"])]},
    "/apis/batch/v1": {"kind": "APIResourceList", "groupVersion": "batch/v1", "resources": [resource("jobs", "Job")]},
}

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?")[0]
        body, code = ROUTES.get(path), 200
        if body is None:
            body, code = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404}, 404
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
