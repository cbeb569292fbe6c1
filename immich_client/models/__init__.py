""" Contains all the data models used in inputs/outputs """

from .album_response_dto import AlbumResponseDto
from .album_user_response_dto import AlbumUserResponseDto
from .album_user_role import AlbumUserRole
from .albums_add_assets_dto import AlbumsAddAssetsDto
from .albums_add_assets_response_dto import AlbumsAddAssetsResponseDto
from .api_key_response_dto import ApiKeyResponseDto
from .asset_bulk_delete_dto import AssetBulkDeleteDto
from .asset_bulk_update_dto import AssetBulkUpdateDto
from .asset_media_size import AssetMediaSize
from .asset_order import AssetOrder
from .asset_response_dto import AssetResponseDto
from .asset_stack_response_dto import AssetStackResponseDto
from .asset_type_enum import AssetTypeEnum
from .asset_visibility import AssetVisibility
from .bulk_id_error_reason import BulkIdErrorReason
from .bulk_id_response_dto import BulkIdResponseDto
from .bulk_ids_dto import BulkIdsDto
from .contributor_count_response_dto import ContributorCountResponseDto
from .duplicate_resolve_dto import DuplicateResolveDto
from .duplicate_resolve_group_dto import DuplicateResolveGroupDto
from .duplicate_response_dto import DuplicateResponseDto
from .exif_response_dto import ExifResponseDto
from .metadata_search_dto import MetadataSearchDto
from .permission import Permission
from .person_response_dto import PersonResponseDto
from .search_album_response_dto import SearchAlbumResponseDto
from .search_asset_response_dto import SearchAssetResponseDto
from .search_facet_count_response_dto import SearchFacetCountResponseDto
from .search_facet_response_dto import SearchFacetResponseDto
from .search_response_dto import SearchResponseDto
from .server_about_response_dto import ServerAboutResponseDto
from .server_config_dto import ServerConfigDto
from .server_features_dto import ServerFeaturesDto
from .server_ping_response import ServerPingResponse
from .server_version_response_dto import ServerVersionResponseDto
from .stack_create_dto import StackCreateDto
from .stack_response_dto import StackResponseDto
from .tag_bulk_assets_dto import TagBulkAssetsDto
from .tag_bulk_assets_response_dto import TagBulkAssetsResponseDto
from .tag_response_dto import TagResponseDto
from .trash_response_dto import TrashResponseDto
from .update_asset_dto import UpdateAssetDto
from .user_admin_response_dto import UserAdminResponseDto
from .user_avatar_color import UserAvatarColor
from .user_license import UserLicense
from .user_response_dto import UserResponseDto
from .user_status import UserStatus

__all__ = (
    "AlbumResponseDto",
    "AlbumsAddAssetsDto",
    "AlbumsAddAssetsResponseDto",
    "AlbumUserResponseDto",
    "AlbumUserRole",
    "ApiKeyResponseDto",
    "AssetBulkDeleteDto",
    "AssetBulkUpdateDto",
    "AssetMediaSize",
    "AssetOrder",
    "AssetResponseDto",
    "AssetStackResponseDto",
    "AssetTypeEnum",
    "AssetVisibility",
    "BulkIdErrorReason",
    "BulkIdResponseDto",
    "BulkIdsDto",
    "ContributorCountResponseDto",
    "DuplicateResolveDto",
    "DuplicateResolveGroupDto",
    "DuplicateResponseDto",
    "ExifResponseDto",
    "MetadataSearchDto",
    "Permission",
    "PersonResponseDto",
    "SearchAlbumResponseDto",
    "SearchAssetResponseDto",
    "SearchFacetCountResponseDto",
    "SearchFacetResponseDto",
    "SearchResponseDto",
    "ServerAboutResponseDto",
    "ServerConfigDto",
    "ServerFeaturesDto",
    "ServerPingResponse",
    "ServerVersionResponseDto",
    "StackCreateDto",
    "StackResponseDto",
    "TagBulkAssetsDto",
    "TagBulkAssetsResponseDto",
    "TagResponseDto",
    "TrashResponseDto",
    "UpdateAssetDto",
    "UserAdminResponseDto",
    "UserAvatarColor",
    "UserLicense",
    "UserResponseDto",
    "UserStatus",
)
