"""moto's server, plus the one read-only API export/aws.sh calls that moto 5.2.1 lacks.

    python moto_server_plus.py -H 127.0.0.1 -p PORT   (the same arguments as moto_server)

moto has no ListFunctionUrlConfigs (GET /2021-10-31/functions/NAME/urls),
which export/aws.sh uses because SecurityAudit grants lambda:List* but not
lambda:GetFunctionUrlConfig. This adds it over moto's own model of a
function's URL config (the one CreateFunctionUrlConfig writes), so the seeded
URLs are exported exactly as moto stores them. Everything else is moto
unchanged.
"""

import json
import sys
from urllib.parse import unquote

import moto.awslambda.urls as lambda_urls
from moto.awslambda.responses import LambdaResponse
from moto.server import main


def list_function_url_configs(self):
    function_name = unquote(self.path.rstrip("/").split("/")[-2])
    function = self.backend.get_function(function_name)
    config = getattr(function, "url_config", None)
    configs = [config.to_dict()] if config else []
    return 200, {"status": 200}, json.dumps({"FunctionUrlConfigs": configs})


# botocore names the operation ListFunctionUrlConfigs; moto's dispatcher finds
# the handler by that name, once the path is routed to LambdaResponse.
LambdaResponse.list_function_url_configs = list_function_url_configs
lambda_urls.url_paths[r"{0}/(?P<api_version>[^/]+)/functions/(?P<function_name>[\w_:%-]+)/urls/?$"] = (
    LambdaResponse.dispatch
)

if __name__ == "__main__":
    sys.exit(main())
