from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.metadata_search_dto import MetadataSearchDto
from ...models.search_response_dto import SearchResponseDto
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: MetadataSearchDto,
    key: str | Unset = UNSET,
    slug: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    params: dict[str, Any] = {}

    params["key"] = key

    params["slug"] = slug


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/search/metadata",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> SearchResponseDto | None:
    if response.status_code == 200:
        response_200 = SearchResponseDto.from_dict(response.json())



        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[SearchResponseDto]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: MetadataSearchDto,
    key: str | Unset = UNSET,
    slug: str | Unset = UNSET,

) -> Response[SearchResponseDto]:
    """ Search assets by metadata

     Search for assets based on various metadata criteria.

    Args:
        key (str | Unset):
        slug (str | Unset):
        body (MetadataSearchDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SearchResponseDto]
     """


    kwargs = _get_kwargs(
        body=body,
key=key,
slug=slug,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: MetadataSearchDto,
    key: str | Unset = UNSET,
    slug: str | Unset = UNSET,

) -> SearchResponseDto | None:
    """ Search assets by metadata

     Search for assets based on various metadata criteria.

    Args:
        key (str | Unset):
        slug (str | Unset):
        body (MetadataSearchDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SearchResponseDto
     """


    return sync_detailed(
        client=client,
body=body,
key=key,
slug=slug,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: MetadataSearchDto,
    key: str | Unset = UNSET,
    slug: str | Unset = UNSET,

) -> Response[SearchResponseDto]:
    """ Search assets by metadata

     Search for assets based on various metadata criteria.

    Args:
        key (str | Unset):
        slug (str | Unset):
        body (MetadataSearchDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SearchResponseDto]
     """


    kwargs = _get_kwargs(
        body=body,
key=key,
slug=slug,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: MetadataSearchDto,
    key: str | Unset = UNSET,
    slug: str | Unset = UNSET,

) -> SearchResponseDto | None:
    """ Search assets by metadata

     Search for assets based on various metadata criteria.

    Args:
        key (str | Unset):
        slug (str | Unset):
        body (MetadataSearchDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SearchResponseDto
     """


    return (await asyncio_detailed(
        client=client,
body=body,
key=key,
slug=slug,

    )).parsed
