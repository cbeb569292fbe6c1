from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.bulk_id_response_dto import BulkIdResponseDto
from ...models.duplicate_resolve_dto import DuplicateResolveDto
from typing import cast



def _get_kwargs(
    *,
    body: DuplicateResolveDto,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/duplicates/resolve",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> list[BulkIdResponseDto] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in (_response_200):
            response_200_item = BulkIdResponseDto.from_dict(response_200_item_data)



            response_200.append(response_200_item)

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[list[BulkIdResponseDto]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: DuplicateResolveDto,

) -> Response[list[BulkIdResponseDto]]:
    """ Resolve duplicate groups

     Resolve duplicate groups by synchronizing metadata across assets and deleting/trashing duplicates.

    Args:
        body (DuplicateResolveDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[list[BulkIdResponseDto]]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: DuplicateResolveDto,

) -> list[BulkIdResponseDto] | None:
    """ Resolve duplicate groups

     Resolve duplicate groups by synchronizing metadata across assets and deleting/trashing duplicates.

    Args:
        body (DuplicateResolveDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        list[BulkIdResponseDto]
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: DuplicateResolveDto,

) -> Response[list[BulkIdResponseDto]]:
    """ Resolve duplicate groups

     Resolve duplicate groups by synchronizing metadata across assets and deleting/trashing duplicates.

    Args:
        body (DuplicateResolveDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[list[BulkIdResponseDto]]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: DuplicateResolveDto,

) -> list[BulkIdResponseDto] | None:
    """ Resolve duplicate groups

     Resolve duplicate groups by synchronizing metadata across assets and deleting/trashing duplicates.

    Args:
        body (DuplicateResolveDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        list[BulkIdResponseDto]
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
